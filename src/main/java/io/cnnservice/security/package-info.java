/**
 * Access: API keys with roles, the table of what each request needs, protected mode
 * without keys, CORS, and the audit of every change.
 */
package io.cnnservice.security;
