'use strict';

// The trace types the site draws (indicators/charts.py: BROWSER_TRACE_TYPES), as plotly.js's own
// partial bundles (lib/index-basic.js, lib/index-cartesian.js) register theirs. scatter is in the core.
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);

module.exports = Plotly;
