import { MemoryStorage } from '../src/storage/memoryStorage.ts';
import { describeStorageContract } from './storageContract.ts';

describeStorageContract('MemoryStorage', async () => ({ storage: new MemoryStorage() }));
