'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { Logger } = require('..');
const { maskHeader, vectorNames, loadVector, tempDir } = require('./support');

test('every golden vector is reproduced byte for byte', async (t) => {
  const names = vectorNames();
  assert.ok(names.length >= 5);
  for (const name of names) {
    await t.test(name, () => {
      // Given the inputs of one vector and a clock that replays their times
      const { input, expected } = loadVector(name);
      let now = 0;
      const logger = new Logger({ demo: input.demo, dir: tempDir(), clock: () => now });
      // When each call is logged and the logger closed
      for (const c of input.calls) {
        now = c.ts_ms;
        logger.log(c.level, c.msg, c.fields, c.exc);
      }
      logger.close();
      // Then the file, header masked, is the expected one
      const actual = fs.readFileSync(logger.path);
      const cut = actual.indexOf(10);
      const masked = Buffer.concat([Buffer.from(maskHeader(actual.subarray(0, cut).toString('utf8'))), actual.subarray(cut)]);
      assert.ok(masked.equals(expected), `${name}: output differs from ${name}.expected`);
    });
  }
});
