/**
 * The kubernetes runner: each job a {@code batch/v1} Job built from the operator's pod
 * template, and a watch that explains waiting and failed Jobs.
 */
package io.cnnservice.training.runners.kubernetes;
