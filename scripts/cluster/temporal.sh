#!/usr/bin/env bash
# The Temporal half of the loopback cluster alone (docs/deployment.md, "On one machine"):
# build | up | down [--purge] | purge | status | members | kill NAME | start NAME.
exec bash "$(dirname "$0")/../cluster.sh" temporal "$@"
