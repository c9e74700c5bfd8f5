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

-- The run of the create-restock-order workflow that made an order, and its items: the steps key their
-- writes on the run's transaction id, so that a step that runs again after a crash (its work done, its
-- checkpoint lost) finds what it made instead of making it twice. NULL for what no run made.
ALTER TABLE restock_order ADD COLUMN IF NOT EXISTS transaction_id VARCHAR(300);

CREATE UNIQUE INDEX IF NOT EXISTS restock_order_by_transaction ON restock_order (transaction_id);

ALTER TABLE restock_order_item ADD COLUMN IF NOT EXISTS transaction_id VARCHAR(300);

ALTER TABLE restock_order_item ADD COLUMN IF NOT EXISTS line INTEGER;

CREATE UNIQUE INDEX IF NOT EXISTS restock_order_item_by_transaction ON restock_order_item (transaction_id, line);

-- Runs were recorded here by ExecutionLog before the service ran on a WorkflowEngine: the engine's
-- own record (JdbcRunStore's tables) replaces them.
DROP TABLE IF EXISTS workflow_execution_step;

DROP TABLE IF EXISTS workflow_execution;
