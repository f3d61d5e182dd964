# Sourced by the bench scripts: the one way they drive a training job through the API.

# run_job URL BODY: submits the training request BODY to the service at URL, polls the job
# once a second until it has finished (succeeded, failed or cancelled) and prints its final
# JSON. The caller checks the status: some benches report a failed job, others stop on it.
run_job() {
  local url="$1" body="$2" id job
  id=$(curl -fsS -X POST "$url/api/v1/training-jobs" -H 'Content-Type: application/json' -d "$body" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  while :; do
    sleep 1
    job=$(curl -fsS "$url/api/v1/training-jobs/$id")
    [[ $job =~ \"status\":\"(SUCCEEDED|FAILED|CANCELLED)\" ]] && break
  done
  printf '%s\n' "$job"
}
