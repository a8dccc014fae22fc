#!/usr/bin/env bash
# Build, push and roll out the stack on AWS ECS (Fargate).
#
#   AWS_REGION=eu-west-1 deploy/ecs/deploy.sh staging|production
#
# 1. checks that every SSM parameter the task definitions read exists;
# 2. builds the users, items, client and swagger images (prod targets, for the task
#    definitions' CPU architecture) and pushes them to their ECR repositories, tagged with the
#    commit (TAG, default: the checked-out commit, which must have no uncommitted changes);
# 3. registers the task definitions of deploy/ecs/task-definitions/ENV/;
# 4. runs each service's migrations as a one-off task (users-migrate, then items-migrate, each
#    in its service's network configuration) and stops if one cannot start or fails;
# 5. points the ECS services users, users-relay, items, items-consumer, client and swagger at
#    the new task definitions (with the deployment circuit breaker, which rolls a failing
#    deployment back), waits until they are stable, and fails if a service ended up on another
#    revision than the new one.
#
# ECS_CLUSTER defaults to microservices-ENV. The cluster, services, load balancer, ECR
# repositories, IAM roles and SSM parameters are set up once (docs/deployment.md).
# Works with the bash 3.2 of macOS.
set -euo pipefail

usage() {
    echo "usage: AWS_REGION=... $0 staging|production" >&2
    exit 2
}

[ "$#" -eq 1 ] || usage
env="$1"
case "${env}" in
    staging | production) ;;
    *) usage ;;
esac
: "${AWS_REGION:?set AWS_REGION}"
export AWS_REGION

root="$(cd "$(dirname "$0")/../.." && pwd)"
definitions="${root}/deploy/ecs/task-definitions/${env}"
cluster="${ECS_CLUSTER:-microservices-${env}}"
images="users items client swagger"
services="users users-relay items items-consumer client swagger"
migrations="users-migrate items-migrate"
tasks="${migrations} ${services}"

if [ -z "${TAG:-}" ]; then
    # The tag names the commit, so the images must be built from exactly that commit.
    if [ -n "$(git -C "${root}" status --porcelain)" ]; then
        echo "The working tree has uncommitted changes: commit them, or set TAG to name this build." >&2
        exit 1
    fi
    TAG="$(git -C "${root}" rev-parse HEAD)"
fi
tag="${TAG}"

# The task definitions name one CPU architecture; build for it whatever this machine is.
case "$(sed -n 's/.*"cpuArchitecture": *"\([A-Z0-9_]*\)".*/\1/p' "${definitions}/users.json")" in
    X86_64) platform=linux/amd64 ;;
    ARM64) platform=linux/arm64 ;;
    *)
        echo "${definitions}/users.json names no cpuArchitecture" >&2
        exit 1
        ;;
esac

account="$(aws sts get-caller-identity --query Account --output text)"

echo "==> Checking the SSM parameters of ${env}"
parameters="$(for name in ${tasks}; do
    sed -n 's|.*:parameter\(/microservices/[^"]*\)".*|\1|p' "${definitions}/${name}.json"
done | sort -u)"
# get-parameters takes ten names a call; it lists the ones that do not exist.
# shellcheck disable=SC2086 # one argument per parameter name
missing="$(printf '%s\n' ${parameters} \
    | xargs -n 10 aws ssm get-parameters --query 'InvalidParameters' --output text --names \
    | tr -s '\t\n' '  ' | sed -e 's/None//g' -e 's/^ *//' -e 's/ *$//')"
if [ -n "${missing}" ]; then
    echo "Missing SSM parameters (docs/deployment.md, one-time setup): ${missing}" >&2
    exit 1
fi

repository="$(aws ecr describe-repositories --repository-names users \
    --query 'repositories[0].repositoryUri' --output text)"
registry="${repository%/users}"

echo "==> Building ${platform} images of ${tag} and pushing them to ${registry}"
aws ecr get-login-password | docker login --username AWS --password-stdin "${registry%%/*}"
for image in ${images}; do
    # Every image may copy the services' shared kit (the build context named kit).
    docker build --platform "${platform}" --target prod --build-context "kit=${root}/services/kit" \
        --tag "${registry}/${image}:${tag}" "${root}/services/${image}"
    docker push "${registry}/${image}:${tag}"
done

register() {
    local rendered arn
    rendered="$(mktemp)"
    sed -e "s|\${AWS_ACCOUNT_ID}|${account}|g" \
        -e "s|\${AWS_REGION}|${AWS_REGION}|g" \
        -e "s|\${REGISTRY}|${registry}|g" \
        -e "s|\${TAG}|${tag}|g" \
        "${definitions}/$1.json" > "${rendered}"
    arn="$(aws ecs register-task-definition --cli-input-json "file://${rendered}" \
        --query 'taskDefinition.taskDefinitionArn' --output text)"
    rm -f "${rendered}"
    echo "${arn}"
}

# bash 3.2 has no associative arrays: one variable per task, arn_<name with _ for ->.
echo "==> Registering task definitions"
for name in ${tasks}; do
    arn="$(register "${name}")"
    eval "arn_$(echo "${name}" | tr - _)=\"\${arn}\""
    echo "    ${arn}"
done
arn_of() {
    eval "echo \"\${arn_$(echo "$1" | tr - _)}\""
}

# One migration task in the network configuration of the service it migrates for.
migrate() {
    local name="$1" service="${1%-migrate}" network launch task outcome status
    echo "==> Running ${service} migrations"
    network="$(aws ecs describe-services --cluster "${cluster}" --services "${service}" \
        --query 'services[0].networkConfiguration' --output json)"
    launch="$(aws ecs run-task --cluster "${cluster}" --launch-type FARGATE \
        --task-definition "$(arn_of "${name}")" --network-configuration "${network}" \
        --started-by "deploy-${tag:0:12}" \
        --query '[tasks[0].taskArn, failures[0].reason]' --output text)"
    task="$(echo "${launch}" | cut -f1)"
    if [ -z "${task}" ] || [ "${task}" = "None" ]; then
        echo "The migration task ${name} did not start ($(echo "${launch}" | cut -f2)); the services were not changed." >&2
        exit 1
    fi
    if ! aws ecs wait tasks-stopped --cluster "${cluster}" --tasks "${task}"; then
        echo "The migration task ${task} did not stop in time; the services were not changed." >&2
        exit 1
    fi
    outcome="$(aws ecs describe-tasks --cluster "${cluster}" --tasks "${task}" \
        --query '[tasks[0].containers[0].exitCode, tasks[0].stoppedReason]' --output text)"
    status="$(echo "${outcome}" | cut -f1)"
    if [ "${status}" != "0" ]; then
        echo "Migrations failed (exit code ${status}: $(echo "${outcome}" | cut -f2-)) in ${name}; the services were not changed." >&2
        exit 1
    fi
}
for name in ${migrations}; do
    migrate "${name}"
done

echo "==> Updating services"
for service in ${services}; do
    aws ecs update-service --cluster "${cluster}" --service "${service}" \
        --task-definition "$(arn_of "${service}")" \
        --deployment-configuration 'deploymentCircuitBreaker={enable=true,rollback=true},maximumPercent=200,minimumHealthyPercent=100' \
        --query 'service.serviceName' --output text
done
# shellcheck disable=SC2086 # one argument per service
if ! aws ecs wait services-stable --cluster "${cluster}" --services ${services}; then
    echo "The services did not become stable; see their events (aws ecs describe-services)." >&2
    exit 1
fi
# A circuit-breaker rollback also ends stable, on the previous revision.
failed=""
for service in ${services}; do
    running="$(aws ecs describe-services --cluster "${cluster}" --services "${service}" \
        --query 'services[0].taskDefinition' --output text)"
    if [ "${running}" != "$(arn_of "${service}")" ]; then
        failed="${failed} ${service}"
    fi
done
if [ -n "${failed}" ]; then
    echo "Rolled back:${failed} run their previous revision; ${tag} was not deployed there." >&2
    exit 1
fi
echo "Deployed ${tag} to ${cluster}."
