#!/usr/bin/env bash
# Guantong's topics, SCRAM users and ACLs on an Apache Kafka cluster; safe to run again.
# Runs in the apache/kafka image: the kafka-setup Job (deploy/k8s) and compose's kafka-setup.
#
# Environment: KAFKA_BOOTSTRAP_SERVERS (an admin listener), KAFKA_ADMIN_USER and
# KAFKA_ADMIN_PASSWORD (a super user), ADMIN_SECURITY_PROTOCOL (SASL_SSL; SASL_PLAINTEXT in
# compose), ADMIN_SASL_MECHANISM (SCRAM-SHA-512 or PLAIN), KAFKA_SSL_CAFILE (PEM, with TLS),
# TOPIC_PARTITIONS, TOPIC_REPLICATION, TOPIC_MIN_INSYNC_REPLICAS, and SCRAM_PASSWORD_<USER>
# for every user below (dashes as underscores: SCRAM_PASSWORD_GUANTONG_OPS).
#
# The lines after the functions are the plan; tests/deploy checks it against the code: every
# topic of shared/events/topics.py, each service writing only the topics it owns (OWNERS) and
# the dead letters of what it consumes, reading only what its worker subscribes to and the
# dead letters of it (its ledger reports those not applied since, for reconciliation).
set -euo pipefail

BIN=${KAFKA_BIN:-/opt/kafka/bin}
CONFIG=$(mktemp)
trap 'rm -f "$CONFIG"' EXIT
TOPICS=()

login_module() {
  case "$ADMIN_SASL_MECHANISM" in
    PLAIN) echo org.apache.kafka.common.security.plain.PlainLoginModule ;;
    *) echo org.apache.kafka.common.security.scram.ScramLoginModule ;;
  esac
}

{
  echo "security.protocol=${ADMIN_SECURITY_PROTOCOL}"
  echo "sasl.mechanism=${ADMIN_SASL_MECHANISM}"
  echo "sasl.jaas.config=$(login_module) required username=\"${KAFKA_ADMIN_USER}\" password=\"${KAFKA_ADMIN_PASSWORD}\";"
  if [[ "$ADMIN_SECURITY_PROTOCOL" == *SSL ]]; then
    echo "ssl.truststore.type=PEM"
    echo "ssl.truststore.location=${KAFKA_SSL_CAFILE}"
  fi
} >"$CONFIG"

admin() {
  local tool=$1
  shift
  "$BIN/$tool" --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --command-config "$CONFIG" "$@"
}

# topic NAME: created once with the partitions, replication and min ISR of the environment.
topic() {
  TOPICS+=("$1")
  admin kafka-topics.sh --create --if-not-exists --topic "$1" \
    --partitions "$TOPIC_PARTITIONS" --replication-factor "$TOPIC_REPLICATION" \
    --config "min.insync.replicas=$TOPIC_MIN_INSYNC_REPLICAS"
}

# user NAME: its SCRAM-SHA-512 credential, from SCRAM_PASSWORD_<NAME>.
user() {
  local variable="SCRAM_PASSWORD_${1//-/_}"
  variable=${variable^^}
  admin kafka-configs.sh --alter --entity-type users --entity-name "$1" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=${!variable:?$variable is not set}]"
}

# allow USER OPERATION topic|group NAME...: one ACL per name, added if missing.
allow() {
  local principal=$1 operation=$2 kind=$3
  shift 3
  local args=()
  for name in "$@"; do args+=("--$kind" "$name"); done
  admin kafka-acls.sh --add --allow-principal "User:$principal" --operation "$operation" "${args[@]}"
}

# describe_all USER: metadata of every topic above, which a worker reads before it starts.
describe_all() {
  allow "$1" Describe topic "${TOPICS[@]}"
}

topic clue.received
topic clue.routed
topic assignment.accepted
topic assignment.returned
topic case.disposed
topic case.handoff_requested
topic case.concluded
topic clue.status
topic clue.linked
topic assignment.overdue
topic case.progressed
topic clue.received.dlq
topic clue.routed.dlq
topic assignment.accepted.dlq
topic assignment.returned.dlq
topic case.disposed.dlq
topic case.handoff_requested.dlq
topic case.concluded.dlq
topic clue.status.dlq
topic clue.linked.dlq
topic assignment.overdue.dlq
topic case.progressed.dlq

user intake
allow intake Write topic clue.received clue.status.dlq case.concluded.dlq
allow intake Read topic clue.status case.concluded clue.status.dlq case.concluded.dlq
allow intake Read group intake
describe_all intake

user routing
allow routing Write topic clue.routed clue.status clue.linked clue.received.dlq assignment.returned.dlq case.handoff_requested.dlq assignment.accepted.dlq case.concluded.dlq
allow routing Read topic clue.received assignment.returned case.handoff_requested assignment.accepted case.concluded clue.received.dlq assignment.returned.dlq case.handoff_requested.dlq assignment.accepted.dlq case.concluded.dlq
allow routing Read group routing
describe_all routing

user casework
allow casework Write topic assignment.accepted assignment.returned case.disposed case.handoff_requested case.concluded clue.status assignment.overdue case.progressed clue.routed.dlq clue.linked.dlq
allow casework Read topic clue.routed clue.linked clue.routed.dlq clue.linked.dlq
allow casework Read group casework
describe_all casework

# The operator's dlq tool (python -m services.<svc> dlq list|replay, run with this user's
# credentials): reads dead letters, and replays them, signed as their producer signed them.
user guantong-ops
allow guantong-ops Read topic clue.received.dlq clue.routed.dlq assignment.accepted.dlq assignment.returned.dlq case.disposed.dlq case.handoff_requested.dlq case.concluded.dlq clue.status.dlq clue.linked.dlq assignment.overdue.dlq case.progressed.dlq
allow guantong-ops Write topic clue.received clue.routed assignment.accepted assignment.returned case.disposed case.handoff_requested case.concluded clue.status clue.linked assignment.overdue case.progressed
describe_all guantong-ops

echo "guantong: ${#TOPICS[@]} topics, users and ACLs in place"
