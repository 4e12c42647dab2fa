#!/usr/bin/env bash
# Starts a real single-node Kafka broker (KRaft: broker and controller in one JVM) from Maven
# artifacts, without Docker. Prints the bootstrap address once the broker is up; Ctrl-C stops it.
#
#   deploy/scripts/local-kafka.sh [--port 9092] [--controller-port 9093] [--data-dir DIR] [--keep]
#
# Without --data-dir the data goes to a fresh temporary directory, deleted on exit unless --keep;
# a --data-dir is always kept, and a second start on it reuses its topics.
# Needs java (17+) and mvn; the first run downloads Kafka's jars into ~/.m2.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port=9092
controller_port=9093
data_dir=""
keep=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --controller-port) controller_port="$2"; shift 2 ;;
    --data-dir) data_dir="$2"; keep=true; shift 2 ;;
    --keep) keep=true; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$data_dir" ]]; then
  data_dir="$(mktemp -d "${TMPDIR:-/tmp}/local-kafka.XXXXXX")"
fi
mkdir -p "$data_dir"

# 1. The broker's classpath, resolved by Maven from the tiny pom next to this script.
classpath_file="$data_dir/classpath.txt"
mvn -B -q -f "$here/pom.xml" \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile="$classpath_file" >&2
classpath="$(cat "$classpath_file")"
java_opts=(-Xmx512m -Dlog4j2.configurationFile="$here/log4j2.properties")

# 2. The KRaft configuration of ../../shared/INFRA-NOTES.md: one node that is broker and controller,
#    replication factor 1 for the internal topics so transactions (exactly-once) work.
config="$data_dir/server.properties"
cat > "$config" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data_dir/logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES

# 3. Format the storage with a fresh cluster id (a kept data directory is formatted only once).
if [[ ! -f "$data_dir/logs/meta.properties" ]]; then
  cluster_id="$(java -cp "$classpath" "${java_opts[@]}" kafka.tools.StorageTool random-uuid)"
  java -cp "$classpath" "${java_opts[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$config" >&2
fi

# 4. Start the broker in the background and stop it (then clean up) on Ctrl-C, TERM or any exit.
log="$data_dir/broker.log"
java -cp "$classpath" "${java_opts[@]}" kafka.Kafka "$config" > "$log" 2>&1 &
broker=$!
stop() {
  local status=$1
  trap - INT TERM EXIT
  if kill -0 "$broker" 2>/dev/null; then
    echo "stopping the broker (pid $broker)" >&2
    kill -TERM "$broker"
    wait "$broker" || true
  fi
  if [[ "$keep" == false ]]; then
    rm -rf "$data_dir"
  fi
  exit "$status"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

for _ in $(seq 1 120); do
  if grep -q "Kafka Server started" "$log"; then
    echo "Kafka (KRaft, single node) is up: bootstrap 127.0.0.1:$port   data $data_dir   log $log"
    echo "Ctrl-C stops it."
    wait "$broker"
    echo "the broker exited; see $log" >&2
    exit 1
  fi
  if ! kill -0 "$broker" 2>/dev/null; then
    echo "the broker failed to start:" >&2
    tail -30 "$log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "the broker did not start within 60 s; see $log" >&2
exit 1
