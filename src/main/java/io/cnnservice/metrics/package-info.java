/** Micrometer meters for Prometheus: training, inference and the GPUs. */
package io.cnnservice.metrics;
