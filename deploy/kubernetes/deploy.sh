#!/usr/bin/env bash
# Roll the stack out to the cluster of the current kubectl context.
#
#   deploy/kubernetes/deploy.sh OVERLAY TAG
#
# OVERLAY is dev or prod (a directory under overlays/, with its secrets.env filled in and its
# jwt-private-keys.pem written).
# TAG is the image tag to run, the commit's SHA for images that CI pushed; the gateway's
# Kubernetes variant is tagged TAG-kubernetes (CI pushes TAG itself for the Compose variant).
# IMAGE_REGISTRY (e.g. <registry host>/<namespace>) is put before the image names;
# leave it unset for images loaded into a local cluster (kind load docker-image users:dev).
#
# Migrations come before any new code serves:
#   1. the finished Jobs of the previous rollout are deleted;
#   2. everything but the application Deployments and the autoscalers is applied: namespace,
#      settings, secrets, databases, Redis, network policies and the users-migrate and
#      items-migrate Jobs;
#   3. the script waits until both Jobs have completed, and stops if one failed;
#   4. the whole overlay is applied and the script waits for every Deployment to roll out.
# Works with the bash 3.2 of macOS.
set -euo pipefail

usage() {
    echo "usage: $0 dev|prod TAG" >&2
    exit 2
}

[ "$#" -eq 2 ] || usage
overlay="$1"
tag="$2"
[ -n "${tag}" ] || usage
here="$(cd "$(dirname "$0")" && pwd)"
overlay_dir="${here}/overlays/${overlay}"
[ -f "${overlay_dir}/kustomization.yaml" ] || usage
secrets="${overlay_dir}/secrets.env"
if [ ! -f "${secrets}" ]; then
    echo "${secrets} is missing: copy secrets.env.example and fill it in" >&2
    exit 1
fi

# The service refuses weak secrets only once it runs; refuse empty ones before anything changes.
required_secrets="SECRET_KEY POSTGRES_PASSWORD ITEMS_POSTGRES_PASSWORD"
if [ "${overlay}" = prod ]; then
    required_secrets="${required_secrets} SMTP_URL"
fi
missing=""
for name in ${required_secrets}; do
    value="$(awk -F= -v key="${name}" '$1 == key { sub(/^[^=]*=/, ""); print; exit }' "${secrets}")"
    if [ -z "${value}" ]; then
        missing="${missing} ${name}"
    fi
done
if [ -n "${missing}" ]; then
    echo "${secrets} leaves empty:${missing}" >&2
    exit 1
fi
signing_keys="${overlay_dir}/jwt-private-keys.pem"
if ! grep -q -- "-----BEGIN PRIVATE KEY-----" "${signing_keys}" 2>/dev/null; then
    echo "${signing_keys} holds no private key for JWT_PRIVATE_KEYS: (cd services/users && python manage.py generate-key) > ${signing_keys}" >&2
    exit 1
fi

namespace="$(awk '$1 == "namespace:" { print $2; exit }' "${overlay_dir}/kustomization.yaml")"
prefix="${IMAGE_REGISTRY:+${IMAGE_REGISTRY%/}/}"
deployments="users users-relay items items-consumer client swagger gateway"
autoscalers="users items"
jobs="users-migrate items-migrate"

# Throwaway kustomizations on top of the overlay: `all` pins the images to TAG, `migrate` is
# the same without the Deployments that run new code. They live beside the overlays because
# kustomize only follows relative paths.
work="$(mktemp -d "${here}/overlays/.deploy.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
mkdir "${work}/all" "${work}/migrate"
{
    echo "apiVersion: kustomize.config.k8s.io/v1beta1"
    echo "kind: Kustomization"
    echo "resources:"
    echo "  - ../../${overlay}"
    echo "images:"
    for image in users items client swagger; do
        echo "  - name: ${image}"
        echo "    newName: ${prefix}${image}"
        echo "    newTag: \"${tag}\""
    done
    echo "  - name: gateway"
    echo "    newName: ${prefix}gateway"
    echo "    newTag: \"${tag}-kubernetes\""
} > "${work}/all/kustomization.yaml"
{
    echo "apiVersion: kustomize.config.k8s.io/v1beta1"
    echo "kind: Kustomization"
    echo "resources:"
    echo "  - ../all"
    echo "patches:"
    for deployment in ${deployments}; do
        echo "  - patch: |-"
        echo "      \$patch: delete"
        echo "      apiVersion: apps/v1"
        echo "      kind: Deployment"
        echo "      metadata:"
        echo "        name: ${deployment}"
    done
    for autoscaler in ${autoscalers}; do
        echo "  - patch: |-"
        echo "      \$patch: delete"
        echo "      apiVersion: autoscaling/v2"
        echo "      kind: HorizontalPodAutoscaler"
        echo "      metadata:"
        echo "        name: ${autoscaler}"
    done
} > "${work}/migrate/kustomization.yaml"

echo "==> Migrating the databases of ${namespace} to ${tag}"
for job in ${jobs}; do
    kubectl delete job "${job}" --namespace "${namespace}" --ignore-not-found
done
kubectl apply -k "${work}/migrate"
# `kubectl wait` takes one condition; poll for either end, so that a failed Job stops the
# rollout at once instead of after the timeout.
deadline=$((SECONDS + 600))
for job in ${jobs}; do
    while :; do
        conditions="$(kubectl get job "${job}" --namespace "${namespace}" \
            --output 'jsonpath={.status.conditions[?(@.status=="True")].type}')"
        case " ${conditions} " in
            *" Complete "*) break ;;
            *" Failed "*)
                kubectl logs "job/${job}" --namespace "${namespace}" --tail 50 >&2 || true
                echo "The ${job} Job failed; nothing new was rolled out." >&2
                exit 1
                ;;
        esac
        if [ "${SECONDS}" -ge "${deadline}" ]; then
            echo "The ${job} Job did not finish in 10 minutes; nothing new was rolled out." >&2
            exit 1
        fi
        sleep 5
    done
done

echo "==> Rolling out ${tag}"
kubectl apply -k "${work}/all"
for deployment in ${deployments}; do
    kubectl rollout status "deployment/${deployment}" --namespace "${namespace}" --timeout=10m
done
echo "Deployed ${tag} to ${namespace}."
