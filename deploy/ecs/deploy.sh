#!/usr/bin/env bash
# Build, push and roll out the stack on AWS ECS (Fargate).
#
#   AWS_REGION=eu-west-1 deploy/ecs/deploy.sh staging|production
#
# 1. builds the users, client and swagger images (prod targets) and pushes them to their
#    ECR repositories, tagged with the commit (TAG, default: the checked-out commit);
# 2. registers the task definitions of deploy/ecs/task-definitions/ENV/;
# 3. runs the migrations as a one-off task and stops if they fail;
# 4. points the ECS services users, client and swagger at the new task definitions
#    (with the deployment circuit breaker, which rolls a failing deployment back) and
#    waits until they are stable.
#
# ECS_CLUSTER defaults to microservices-ENV. The cluster, services, load balancer, ECR
# repositories, IAM roles and SSM parameters are set up once (docs/deployment.md).
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
tag="${TAG:-$(git -C "${root}" rev-parse HEAD)}"
images=(users client swagger)
services=(users client swagger)

account="$(aws sts get-caller-identity --query Account --output text)"
repository="$(aws ecr describe-repositories --repository-names users \
    --query 'repositories[0].repositoryUri' --output text)"
registry="${repository%/users}"

echo "==> Building and pushing ${tag} to ${registry}"
aws ecr get-login-password | docker login --username AWS --password-stdin "${registry%%/*}"
for image in "${images[@]}"; do
    docker build --target prod --tag "${registry}/${image}:${tag}" "${root}/services/${image}"
    docker push "${registry}/${image}:${tag}"
done

register() {
    local rendered
    rendered="$(mktemp)"
    sed -e "s|\${AWS_ACCOUNT_ID}|${account}|g" \
        -e "s|\${AWS_REGION}|${AWS_REGION}|g" \
        -e "s|\${REGISTRY}|${registry}|g" \
        -e "s|\${TAG}|${tag}|g" \
        "${definitions}/$1.json" > "${rendered}"
    aws ecs register-task-definition --cli-input-json "file://${rendered}" \
        --query 'taskDefinition.taskDefinitionArn' --output text
    rm -f "${rendered}"
}

echo "==> Registering task definitions"
declare -A arns
for name in users-migrate "${services[@]}"; do
    arns["${name}"]="$(register "${name}")"
    echo "    ${arns[${name}]}"
done

echo "==> Running migrations"
network="$(aws ecs describe-services --cluster "${cluster}" --services users \
    --query 'services[0].networkConfiguration' --output json)"
task="$(aws ecs run-task --cluster "${cluster}" --launch-type FARGATE \
    --task-definition "${arns[users-migrate]}" --network-configuration "${network}" \
    --started-by "deploy-${tag:0:12}" --query 'tasks[0].taskArn' --output text)"
aws ecs wait tasks-stopped --cluster "${cluster}" --tasks "${task}"
status="$(aws ecs describe-tasks --cluster "${cluster}" --tasks "${task}" \
    --query 'tasks[0].containers[0].exitCode' --output text)"
if [ "${status}" != "0" ]; then
    echo "Migrations failed (exit code ${status}); the services were not changed." >&2
    exit 1
fi

echo "==> Updating services"
for service in "${services[@]}"; do
    aws ecs update-service --cluster "${cluster}" --service "${service}" \
        --task-definition "${arns[${service}]}" \
        --deployment-configuration 'deploymentCircuitBreaker={enable=true,rollback=true},maximumPercent=200,minimumHealthyPercent=100' \
        --query 'service.serviceName' --output text
done
aws ecs wait services-stable --cluster "${cluster}" --services "${services[@]}"
echo "Deployed ${tag} to ${cluster}."
