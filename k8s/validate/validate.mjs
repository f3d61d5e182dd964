// Validates every manifest under k8s/ against the JSON schemas bundled with the npm packages
// kubernetes-models and @kubernetes-models/prometheus-operator, offline. Overlays are applied
// to the base the way kustomize's strategic merge does for these resources (maps merge,
// lists of named items merge by name) and the results are validated too.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { ConfigMap, PersistentVolumeClaim, PodTemplate, Service, ServiceAccount } from "kubernetes-models/v1";
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { PodMonitor, ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

const models = {
  "v1/ConfigMap": ConfigMap,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
  "monitoring.coreos.com/v1/PodMonitor": PodMonitor,
  "v1/ServiceAccount": ServiceAccount,
  "v1/PodTemplate": PodTemplate,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
};

// the API server's checks that the schemas leave out, for what the service's Role must allow
const required = [
  ["batch", "jobs", ["create", "get", "list", "watch", "delete"]],
  ["", "pods", ["get", "list", "watch"]],
  ["", "events", ["get", "list", "watch"]],
];
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let failures = 0;
let checked = 0;

function load(file) {
  return parseAllDocuments(readFileSync(file, "utf8")).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    return doc.toJS();
  }).filter(Boolean);
}

function checkRbac(resources, where) {
  const role = resources.find((r) => r.kind === "Role" && r.metadata.name === "cnn-service-training");
  const binding = resources.find((r) => r.kind === "RoleBinding" && r.roleRef?.name === role?.metadata.name);
  const deployment = resources.find((r) => r.kind === "Deployment" && r.metadata.name === "cnn-service");
  const account = deployment?.spec.template.spec.serviceAccountName;
  checked++;
  const missing = required.filter(([group, resource, verbs]) => !verbs.every((verb) => role?.rules.some((rule) =>
    rule.apiGroups.includes(group) && rule.resources.includes(resource) && rule.verbs.includes(verb) && !rule.resourceNames)));
  const bound = binding?.subjects?.some((s) => s.kind === "ServiceAccount" && s.name === account)
    && resources.some((r) => r.kind === "ServiceAccount" && r.metadata.name === account);
  if (!role || missing.length || !bound) {
    failures++;
    console.error(`FAIL ${where}: the Deployment's service account ${account} is not bound to a Role allowing `
      + (missing.map(([g, r, v]) => `${v.join(",")} on ${g || "core"}/${r}`).join("; ") || "what it needs"));
  } else {
    console.log(`ok   ${where}: service account ${account} may run training Jobs`);
  }
}

// the worker pod template inside its ConfigMap is a pod template too
function embedded(resource) {
  const text = resource.kind === "ConfigMap" ? resource.data?.["pod-template.yaml"] : undefined;
  if (!text) return [];
  const template = load_text(text, resource.metadata.name)[0];
  return [{ apiVersion: "v1", kind: "PodTemplate", metadata: { name: resource.metadata.name }, template }];
}

function load_text(text, where) {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length) throw new Error(`${where}: ${doc.errors[0].message}`);
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
    const resources = build(join(root, overlay));
    for (const resource of resources) {
      validate(resource, overlay);
      for (const inner of embedded(resource)) validate(inner, overlay);
    }
    checkRbac(resources, overlay);
  } catch (e) {
    failures++;
    console.error(`FAIL ${overlay}: ${e.message}`);
  }
}
console.log(`${checked - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
