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

# nginx's resolver ignores resolv.conf's search domains, so in Kubernetes the short service
# names get the pod's namespace domain (e.g. users -> users.shop.svc.cluster.local).
if [ -n "${KUBERNETES_SERVICE_HOST:-}" ]; then
    domain=$(awk '/^search/ { print $2; exit }' /etc/resolv.conf)
    if [ -n "${domain}" ]; then
        sed -E "s/server (users|client|swagger):/server \\1.${domain}:/" /etc/nginx/nginx.conf > /tmp/nginx.conf
        cat /tmp/nginx.conf > /etc/nginx/nginx.conf
        rm -f /tmp/nginx.conf
    fi
fi
