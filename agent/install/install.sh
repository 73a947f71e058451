#!/bin/sh
# Installs the DVIC agent on this machine (run as root):
#   install.sh <agent jar> <gateway url> <node id> <node key file>
# Puts the jar under /opt/dvic-agent/versions with a dvic-agent.jar symlink (self-update swaps it),
# the config in /etc/dvic/agent.conf (0640), the private key in /etc/dvic/node.key (0600, root),
# and enables the systemd unit. Re-running it replaces jar and key and keeps an existing config.
set -eu
if [ "$(id -u)" != 0 ]; then echo "install.sh: run as root" >&2; exit 1; fi
if [ $# -ne 4 ]; then echo "usage: install.sh <agent jar> <gateway url> <node id> <node key file>" >&2; exit 2; fi
jar=$1 url=$2 node=$3 key=$4
here=$(cd "$(dirname "$0")" && pwd)
command -v java >/dev/null || { echo "install.sh: java (17 or newer) is required" >&2; exit 1; }
version=$(java -jar "$jar" --version)

umask 077
install -d -m 0755 -o root -g root /opt/dvic-agent /opt/dvic-agent/versions
install -m 0644 -o root -g root "$jar" "/opt/dvic-agent/versions/dvic-agent-$version.jar"
ln -sfn "/opt/dvic-agent/versions/dvic-agent-$version.jar" /opt/dvic-agent/.dvic-agent.jar.new
mv -T /opt/dvic-agent/.dvic-agent.jar.new /opt/dvic-agent/dvic-agent.jar
[ -f "$here/../README.md" ] && install -m 0644 "$here/../README.md" /opt/dvic-agent/README.md

install -d -m 0755 -o root -g root /etc/dvic
install -m 0600 -o root -g root "$key" /etc/dvic/node.key
if [ ! -f /etc/dvic/agent.conf ]; then
  cat > /etc/dvic/agent.conf <<CONF
# DVIC agent settings; every key and its default: /opt/dvic-agent/README.md
gateway.url = $url
node.id = $node
node.key-file = /etc/dvic/node.key
CONF
  chmod 0640 /etc/dvic/agent.conf
fi
install -d -m 0700 -o root -g root /var/lib/dvic-agent /var/lib/dvic-agent/tmp

install -m 0644 -o root -g root "$here/dvic-agent.service" /etc/systemd/system/dvic-agent.service
java -jar /opt/dvic-agent/dvic-agent.jar --config /etc/dvic/agent.conf --check
systemctl daemon-reload
systemctl enable --now dvic-agent.service
systemctl restart dvic-agent.service
echo "dvic-agent $version installed and started"
