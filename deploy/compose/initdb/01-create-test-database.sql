-- Runs once, when the development database volume is created: the users service's
-- tests (`docker-compose exec users python manage.py test`) use their own database.
CREATE DATABASE users_test;
