/**
 * Configuration that belongs to no one feature: the documented settings of
 * application.yml.
 */
package io.cnnservice.config;
