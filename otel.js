// `admin-pg-native/otel`: OpenTelemetry spans for every call (see lib/otel.js).
'use strict';
module.exports = require('./lib/otel.js');
