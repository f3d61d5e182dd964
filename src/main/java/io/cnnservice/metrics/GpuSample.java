package io.cnnservice.metrics;

/**
 * One reading of one GPU.
 *
 * @param index GPU index
 * @param utilization share of time a kernel was running, 0..1
 * @param memoryUsedBytes memory in use
 * @param memoryTotalBytes memory on the board
 */
record GpuSample(int index, double utilization, double memoryUsedBytes, double memoryTotalBytes) {
}
