/**
 * The HTTP layer every feature shares: the one error handler, the container error writer,
 * Tomcat settings, request filters and the OpenAPI document. No feature imports it.
 */
package io.cnnservice.web;
