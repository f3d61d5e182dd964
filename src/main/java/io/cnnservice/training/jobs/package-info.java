/** One job as it changes while it runs, and its record in the store. */
package io.cnnservice.training.jobs;
