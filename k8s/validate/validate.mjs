// Validates every manifest under k8s/ against the JSON schemas bundled with the npm packages
// kubernetes-models and @kubernetes-models/prometheus-operator, offline. Overlays are applied
// to the base the way kustomize's strategic merge does for these resources (maps merge,
// lists of named items merge by name) and the results are validated too.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { ConfigMap, PersistentVolumeClaim, Service } from "kubernetes-models/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

const models = {
  "v1/ConfigMap": ConfigMap,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
};
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let failures = 0;
let checked = 0;

function load(file) {
  return parseAllDocuments(readFileSync(file, "utf8")).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    return doc.toJS();
  }).filter(Boolean);
}

function validate(resource, where) {
  const key = `${resource.apiVersion}/${resource.kind}`;
  const Model = models[key];
  checked++;
  if (!Model) {
    failures++;
    console.error(`FAIL ${where}: no schema for ${key}`);
    return;
  }
  try {
    new Model(resource).validate();
    console.log(`ok   ${where}: ${key} ${resource.metadata?.name}`);
  } catch (e) {
    failures++;
    console.error(`FAIL ${where}: ${key} ${resource.metadata?.name}: ${e.message}`);
  }
}

function merge(base, patch) {
  if (Array.isArray(base) && Array.isArray(patch)) {
    if (patch.every((p) => p && typeof p === "object" && "name" in p)) {
      const out = base.map((b) => ({ ...b }));
      for (const p of patch) {
        const i = out.findIndex((b) => b.name === p.name);
        if (i >= 0) out[i] = merge(out[i], p); else out.push(p);
      }
      return out;
    }
    return patch;
  }
  if (base && patch && typeof base === "object" && typeof patch === "object") {
    const out = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = k in base ? merge(base[k], v) : v;
    return out;
  }
  return patch;
}

function build(dir) {
  const kustomization = load(join(dir, "kustomization.yaml"))[0];
  let resources = [];
  for (const entry of kustomization.resources ?? []) {
    const path = join(dir, entry);
    if (!existsSync(path)) throw new Error(`${dir}/kustomization.yaml names a missing resource ${entry}`);
    resources = resources.concat(existsSync(join(path, "kustomization.yaml")) ? build(path) : load(path));
  }
  for (const { path, target } of kustomization.patches ?? []) {
    const patch = load(join(dir, path))[0];
    const i = resources.findIndex((r) => r.kind === target.kind && r.metadata.name === target.name);
    if (i < 0) throw new Error(`${dir}: patch ${path} matches no resource`);
    resources[i] = merge(resources[i], patch);
  }
  return resources;
}

for (const overlay of ["base", ...readdirSync(join(root, "overlays")).map((o) => `overlays/${o}`)]) {
  try {
    for (const resource of build(join(root, overlay))) validate(resource, overlay);
  } catch (e) {
    failures++;
    console.error(`FAIL ${overlay}: ${e.message}`);
  }
}
console.log(`${checked - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
