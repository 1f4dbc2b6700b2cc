-- Sequelize (umzug SequelizeStorage), MySQL
CREATE TABLE IF NOT EXISTS `SequelizeMeta` (`name` VARCHAR(255) NOT NULL UNIQUE , PRIMARY KEY (`name`)) ENGINE=InnoDB DEFAULT CHARSET=utf8 COLLATE utf8_unicode_ci;

INSERT INTO `SequelizeMeta` (`name`) VALUES
('20240101120000-create-user.js'),
('20240102120000-add-email.js'),
('initial-seed.js');
