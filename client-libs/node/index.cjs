'use strict';
// dvic_log: log from a demo process to a file the DVIC desktop agent ships.
const { LEVELS } = require('./lib/encoding');
const { Logger } = require('./lib/logger');
const { version } = require('./package.json');

module.exports = { Logger, LEVELS, version };
