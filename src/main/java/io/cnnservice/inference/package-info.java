/**
 * Serving: decoding and preparing uploads as the model was trained, loaded models with
 * their predictor pools, the classify API and the Open Inference Protocol.
 */
package io.cnnservice.inference;
