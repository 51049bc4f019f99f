// Bundle index.js with the esbuild settings of plotly.js's own esbuild-config.js (the plugins,
// aliases and defines its dist bundles are built with), minified, under a banner naming the
// version and the trace types (indicators/apps.py checks both). Usage: node build.js OUT.js
'use strict';

const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const version = require('plotly.js/package.json').version;

const TRACES = ['scatter', 'bar', 'heatmap'];
const banner = [
    '/**',
    `* plotly.js (partial: ${TRACES.join(', ')} - minified) v${version}`,
    '* Copyright 2012-2026, Plotly, Inc.',
    '* All rights reserved.',
    '* Licensed under the MIT license',
    '* Built by scripts/build_plotly.sh from the npm package plotly.js',
    '*/'
].join('\n');

esbuild
    .build({
        entryPoints: ['./index.js'],
        outfile: process.argv[2],
        format: 'iife',
        globalName: 'Plotly',
        bundle: true,
        minify: true,
        sourcemap: false,
        legalComments: 'eof',
        plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
        alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
        define: { global: 'window', 'define.amd': 'false' },
        target: 'es2016',
        logLevel: 'warning',
        banner: { js: banner },
        footer: { js: 'window.Plotly = Plotly;' }
    })
    .catch(() => process.exit(1));
