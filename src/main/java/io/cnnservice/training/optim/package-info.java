/**
 * DJL pieces a job trains with: optimizers with saveable state, schedules, loss and
 * initialisation.
 */
package io.cnnservice.training.optim;
