-- The restock service's tables. Database runs these statements at every start; each is
-- idempotent and portable: the same SQL runs on H2 and PostgreSQL. Ids are made in Java (Ids),
-- money is NUMERIC(19, 4), times are UTC. Statements are separated by semicolons.

CREATE TABLE IF NOT EXISTS supplier (
  id           VARCHAR(64)    NOT NULL PRIMARY KEY,
  name         VARCHAR(200)   NOT NULL,
  credit_limit NUMERIC(19, 4) NOT NULL CHECK (credit_limit >= 0)
);

CREATE TABLE IF NOT EXISTS supplier_product (
  supplier_id VARCHAR(64)  NOT NULL REFERENCES supplier (id) ON DELETE CASCADE,
  product_id  VARCHAR(200) NOT NULL,
  PRIMARY KEY (supplier_id, product_id)
);

-- version counts the changes of an order and its items: confirming compares it, so that the
-- ConfirmationPolicy always judged the order that is confirmed.
CREATE TABLE IF NOT EXISTS restock_order (
  id          VARCHAR(64)              NOT NULL PRIMARY KEY,
  supplier_id VARCHAR(64)              NOT NULL REFERENCES supplier (id),
  status      VARCHAR(20)              NOT NULL CHECK (status IN ('pending', 'confirmed')),
  notes       VARCHAR,
  version     INTEGER                  NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX IF NOT EXISTS restock_order_by_age ON restock_order (created_at, id);

CREATE TABLE IF NOT EXISTS restock_order_item (
  id         VARCHAR(64)              NOT NULL PRIMARY KEY,
  order_id   VARCHAR(64)              NOT NULL REFERENCES restock_order (id) ON DELETE CASCADE,
  product_id VARCHAR(200)             NOT NULL,
  quantity   INTEGER                  NOT NULL CHECK (quantity >= 1),
  unit_cost  NUMERIC(19, 4)           NOT NULL CHECK (unit_cost >= 0),
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX IF NOT EXISTS restock_order_item_by_order ON restock_order_item (order_id);

-- One row per workflow run, written by ExecutionLog (a WorkflowListener).
-- status: invoking, compensating, done, reverted, failed.
CREATE TABLE IF NOT EXISTS workflow_execution (
  transaction_id VARCHAR(200)             NOT NULL PRIMARY KEY,
  workflow_name  VARCHAR(200)             NOT NULL,
  status         VARCHAR(20)              NOT NULL,
  started_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  finished_at    TIMESTAMP WITH TIME ZONE
);

-- One row per step of a run, in the order the steps began (step_index).
-- status: invoking, done, failed, skipped, reverted, compensation_failed.
-- error and compensation_error are safe to show: no class names, stack traces or SQL.
CREATE TABLE IF NOT EXISTS workflow_execution_step (
  transaction_id     VARCHAR(200)  NOT NULL REFERENCES workflow_execution (transaction_id) ON DELETE CASCADE,
  step_name          VARCHAR(200)  NOT NULL,
  step_index         INTEGER       NOT NULL,
  status             VARCHAR(30)   NOT NULL,
  attempts           INTEGER       NOT NULL,
  error              VARCHAR(2000),
  compensation_error VARCHAR(2000),
  PRIMARY KEY (transaction_id, step_name)
);
