import './base.css';
import './components.css';
import './cluster.css';
import './live.css';
import './training.css';
import './analysis.css';
import './tuning.css';
import './pipelines.css';
