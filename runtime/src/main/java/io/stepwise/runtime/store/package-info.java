/**
 * The durable record of workflow runs: the service provider interface <strong>for store
 * implementors</strong> (and for the engine that records runs through it). Applications pick a
 * store ({@code io.stepwise.jdbc.JdbcRunStore}, or {@link io.stepwise.runtime.store.InMemoryRunStore}
 * for tests) and hand it to the engine; they do not call it themselves.
 *
 * <p>A run's record is a header ({@link io.stepwise.runtime.store.RunHeader}: workflow, transaction
 * id, definition fingerprint, {@link io.stepwise.runtime.store.RunStatus}, times), its input, its
 * end ({@link io.stepwise.runtime.store.RunEnd}: result and errors), and an append-only list of
 * {@link io.stepwise.runtime.store.Checkpoint}s. The SPI passes plain Java objects together with
 * their {@link java.lang.reflect.Type}s ({@link io.stepwise.runtime.store.RunTypes}, built without
 * reflection by {@link io.stepwise.runtime.store.Types}); how a store encodes them is its own
 * business (never Java serialization).
 *
 * <p>The cost model every store follows: one write when a run begins ({@link
 * io.stepwise.runtime.store.RunStore#begin}), one per {@link
 * io.stepwise.runtime.store.RunStore#append} (a step's checkpoint, with the run's end folded into
 * its last write), and no read on the happy path of a fresh run.
 */
package io.stepwise.runtime.store;
