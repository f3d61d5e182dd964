/**
 * cnn-service: trains small vision networks with DJL and serves them. Each sub-package is
 * one feature or one concern; see docs/architecture.md for how they fit together.
 */
package io.cnnservice;
