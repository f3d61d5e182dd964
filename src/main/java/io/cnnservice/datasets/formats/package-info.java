/**
 * The formats datasets are stored in on disk (MNIST idx, CIFAR-10 binary, image folders
 * and their tar archives), each read into an
 * {@link io.cnnservice.datasets.formats.ImageSet}.
 */
package io.cnnservice.datasets.formats;
