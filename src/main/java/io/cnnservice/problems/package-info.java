/**
 * The problem details errors are answered with: their type names, and the base of every
 * exception a client can cause, which carries its own status, type and detail.
 */
package io.cnnservice.problems;
