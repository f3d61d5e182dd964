/**
 * Where jobs run: the runner interface, chosen by configuration, the local queue, and the
 * trainer that runs one job to its end in this process.
 */
package io.cnnservice.training.runners;
