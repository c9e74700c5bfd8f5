/**
 * {@link io.stepwise.jdbc.JdbcRunStore}: the durable record of workflow runs on a JDBC database (H2
 * or PostgreSQL), with step data as JSON written by Jackson.
 */
package io.stepwise.jdbc;
