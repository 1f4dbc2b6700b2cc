-- TypeORM, MySQL
CREATE TABLE `migrations` (`id` int NOT NULL AUTO_INCREMENT, `timestamp` bigint NOT NULL, `name` varchar(255) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;

INSERT INTO `migrations` (`id`, `timestamp`, `name`) VALUES
(1, 1704164645000, 'CreateUsers1704164645000'),
(2, 1704251045000, 'AddEmail1704251045000');
