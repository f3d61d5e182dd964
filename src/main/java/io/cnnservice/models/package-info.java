/**
 * The model store: versioned models on disk with their {@code model.json}, written
 * atomically, and the API that lists and deletes them.
 */
package io.cnnservice.models;
