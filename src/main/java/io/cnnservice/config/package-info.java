/**
 * Configuration binding every feature shares: folder settings bound as file-system paths,
 * relative ones included.
 */
package io.cnnservice.config;
