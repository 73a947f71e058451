#!/bin/sh
# Removes the DVIC agent (run as root). --purge also deletes its config, key and state (the spool:
# events not yet delivered are lost).
set -eu
if [ "$(id -u)" != 0 ]; then echo "uninstall.sh: run as root" >&2; exit 1; fi
systemctl disable --now dvic-agent.service 2>/dev/null || true
rm -f /etc/systemd/system/dvic-agent.service
systemctl daemon-reload 2>/dev/null || true
rm -rf /opt/dvic-agent
if [ "${1:-}" = "--purge" ]; then
  rm -rf /var/lib/dvic-agent
  rm -f /etc/dvic/agent.conf /etc/dvic/node.key
  rmdir /etc/dvic 2>/dev/null || true
fi
echo "dvic-agent removed"
