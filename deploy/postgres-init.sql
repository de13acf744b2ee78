-- One database per service (docker-compose's PostgreSQL runs this once, on an empty volume).
create database parking_identity;
create database parking_catalogue;
create database parking_agreement;
create database parking_payment_renewal;
create database parking_enforcement;
