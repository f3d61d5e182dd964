/**
 * What training shows the rest of the service and its clients: the request, the job view,
 * progress, epochs, recovery, statuses, settings and the exceptions a client can cause.
 * It depends on nothing else in training.
 */
package io.cnnservice.training.api;
