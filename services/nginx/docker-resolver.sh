#!/bin/sh
# Point nginx's run-time DNS at the container's own resolver (Docker's 127.0.0.11, or the
# cluster DNS in Kubernetes) so upstreams are found again after they are recreated.
set -eu
nameserver=$(awk '/^nameserver/ { print $2; exit }' /etc/resolv.conf)
if [ -n "${nameserver}" ]; then
    case "${nameserver}" in
        *:*) nameserver="[${nameserver}]" ;;
    esac
    echo "resolver ${nameserver} valid=10s;" > /etc/nginx/resolver.conf
fi
