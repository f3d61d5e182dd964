/** The training API: job endpoints, event streams and worker discovery for Prometheus. */
package io.cnnservice.training.web;
