/**
 * The DJL engine: the PyTorch runtime, its device and threads, the native allocator, and
 * the bounded pool of threads engine work runs on.
 */
package io.cnnservice.engine;
