/**
 * The training loop: batches, evaluation and the state a checkpoint holds, with one
 * listener per concern (progress, metrics, stop requests, divergence, the job record).
 */
package io.cnnservice.training.loop;
