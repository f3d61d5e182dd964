# Sourced by the bench scripts: the one way they drive a training job through the API.

# run_job URL BODY: submits the training request BODY to the service at URL, watches the
# job's event stream until it has finished (succeeded, failed or cancelled) and prints its
# final JSON. The caller checks the status: some benches report a failed job, others stop
# on it. One curl reads the whole stream: polling once a second instead (a curl process
# and a request each time) slowed lenet jobs by 3-6% on 2 cores (docs/performance.md).
run_job() {
  local url="$1" body="$2" id job
  id=$(curl -fsS -X POST "$url/api/v1/training-jobs" -H 'Content-Type: application/json' -d "$body" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  # the finished event's data line is the whole job; the stream ends after it
  job=$(curl -fsSN "$url/api/v1/training-jobs/$id/events" | sed -n '/^event:finished$/{n;s/^data://p}') || job=
  [ -n "$job" ] || job=$(curl -fsS "$url/api/v1/training-jobs/$id") # the stream broke off
  printf '%s\n' "$job"
}
