/**
 * Training jobs. The job service here validates, records and hands jobs to the configured
 * runner; the sub-packages hold one concern each.
 */
package io.cnnservice.training;
