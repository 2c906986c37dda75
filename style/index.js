import './base.css';
import './cluster.css';
import './analysis.css';
