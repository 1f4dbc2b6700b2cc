-- Flyway, MySQL (createMetaDataTable.sql)
CREATE TABLE `flyway_schema_history` (
    `installed_rank` INT NOT NULL,
    `version` VARCHAR(50),
    `description` VARCHAR(200) NOT NULL,
    `type` VARCHAR(20) NOT NULL,
    `script` VARCHAR(1000) NOT NULL,
    `checksum` INT,
    `installed_by` VARCHAR(100) NOT NULL,
    `installed_on` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    `execution_time` INT NOT NULL,
    `success` BOOL NOT NULL,
    CONSTRAINT `flyway_schema_history_pk` PRIMARY KEY (`installed_rank`)
) ENGINE=InnoDB;
CREATE INDEX `flyway_schema_history_s_idx` ON `flyway_schema_history` (`success`);

INSERT INTO `flyway_schema_history` (`installed_rank`, `version`, `description`, `type`, `script`, `checksum`, `installed_by`, `installed_on`, `execution_time`, `success`) VALUES
(1, '0', '<< Flyway Schema Creation >>', 'SCHEMA', '"app"', NULL, 'flyway', FROM_UNIXTIME(1704164645), 0, true), -- schema creation marker
(2, '1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, 'flyway', FROM_UNIXTIME(1704164645), 0, true), -- baseline at 1
(3, '1.1', 'add users', 'SQL', 'V1_1__add_users.sql', 1234567890, 'flyway', FROM_UNIXTIME(1704251045), 12, true),
(4, '1.2', 'add orders', 'SQL', 'V1_2__add_orders.sql', -98765, 'flyway', FROM_UNIXTIME(1704251045), 5, false), -- failed (MySQL: no transactional DDL)
(5, '1.2', 'add orders', 'SQL', 'V1_2__add_orders.sql', -98765, 'flyway', FROM_UNIXTIME(1704337445), 7, true), -- fixed and applied
(6, NULL, 'views', 'SQL', 'R__views.sql', 111, 'flyway', FROM_UNIXTIME(1704337445), 3, true), -- repeatable
(7, '1.10', 'seed', 'JDBC', 'db.migration.V1_10__seed', NULL, 'flyway', FROM_UNIXTIME(1704337445), 20, true), -- Java migration
(8, '1.3', 'temp', 'SQL', 'V1_3__temp.sql', 222, 'flyway', FROM_UNIXTIME(1704337445), 1, true),
(9, '1.3', 'temp', 'UNDO_SQL', 'U1_3__temp.sql', 333, 'flyway', FROM_UNIXTIME(1704423845), 1, true), -- 1.3 undone
(10, NULL, 'views', 'SQL', 'R__views.sql', 112, 'flyway', FROM_UNIXTIME(1704423845), 3, true), -- repeatable changed and re-run
(11, '2', 'gone', 'SQL', 'V2__gone.sql', 444, 'flyway', FROM_UNIXTIME(1704423845), 1, true),
(12, '2', 'gone', 'DELETE', 'V2__gone.sql', 444, 'flyway', FROM_UNIXTIME(1704510245), 0, true); -- repair marked the missing V2 deleted
