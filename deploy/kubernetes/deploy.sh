#!/usr/bin/env bash
# Roll the stack out to the cluster of the current kubectl context.
#
#   deploy/kubernetes/deploy.sh OVERLAY TAG
#
# OVERLAY is dev or prod (a directory under overlays/, with its secrets.env filled in).
# TAG is the image tag to run, the commit's SHA for images that CI pushed.
# IMAGE_REGISTRY (e.g. <registry host>/<namespace>) is put before the image names;
# leave it unset for images loaded into a local cluster (kind load docker-image users:dev).
#
# The users-migrate Job runs first in each rollout: the finished Job of the previous
# rollout is deleted, everything is applied, the script waits for the migrations and
# then for every Deployment to finish rolling out.
set -euo pipefail

usage() {
    echo "usage: $0 dev|prod TAG" >&2
    exit 2
}

[ "$#" -eq 2 ] || usage
overlay="$1"
tag="$2"
here="$(cd "$(dirname "$0")" && pwd)"
overlay_dir="${here}/overlays/${overlay}"
[ -f "${overlay_dir}/kustomization.yaml" ] || usage
if [ ! -f "${overlay_dir}/secrets.env" ]; then
    echo "${overlay_dir}/secrets.env is missing: copy secrets.env.example and fill it in" >&2
    exit 1
fi
namespace="$(awk '$1 == "namespace:" { print $2; exit }' "${overlay_dir}/kustomization.yaml")"
prefix="${IMAGE_REGISTRY:+${IMAGE_REGISTRY%/}/}"

# A throwaway kustomization on top of the overlay pins the images to TAG. It lives beside
# the overlays because kustomize only follows relative paths.
work="$(mktemp -d "${here}/overlays/.deploy.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
{
    echo "apiVersion: kustomize.config.k8s.io/v1beta1"
    echo "kind: Kustomization"
    echo "resources:"
    echo "  - ../${overlay}"
    echo "images:"
    for image in users client swagger gateway; do
        echo "  - name: ${image}"
        echo "    newName: ${prefix}${image}"
        echo "    newTag: \"${tag}\""
    done
} > "${work}/kustomization.yaml"

kubectl delete job users-migrate --namespace "${namespace}" --ignore-not-found
kubectl apply -k "${work}"
kubectl wait job/users-migrate --namespace "${namespace}" --for=condition=complete --timeout=10m
for deployment in users client swagger gateway; do
    kubectl rollout status "deployment/${deployment}" --namespace "${namespace}" --timeout=10m
done
echo "Deployed ${tag} to ${namespace}."
