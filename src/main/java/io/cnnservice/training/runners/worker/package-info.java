/**
 * Worker processes: the local runner that starts one per job, and a worker's own side
 * (training its job, serving its metrics, exiting with how the job ended).
 */
package io.cnnservice.training.runners.worker;
