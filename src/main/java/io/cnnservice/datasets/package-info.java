/**
 * Datasets: the standard ones and custom image folders, read from disk in their formats,
 * downloaded and checked on first use, and described before they are loaded.
 */
package io.cnnservice.datasets;
