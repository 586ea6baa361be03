// `admin-pg-native/prometheus`: a prom-client collector of `storage.stats()` (see lib/prometheus.js).
'use strict';
module.exports = require('./lib/prometheus.js');
